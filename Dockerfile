# The SMCC image: the official Airflow image plus the pinned SMCC stack, with the smcc package
# (include/), its SQL, configuration, DAGs and plugin baked in. docker-compose.yml mounts dags/
# and plugins/ over the baked copies so they can be changed without a rebuild.
FROM apache/airflow:3.3.2-python3.11

# Dependencies first: this layer is rebuilt only when the pins change.
COPY --chown=airflow:0 requirements.txt constraints.txt /opt/smcc/
RUN pip install --no-cache-dir "apache-airflow==3.3.2" \
        -r /opt/smcc/requirements.txt -c /opt/smcc/constraints.txt

COPY --chown=airflow:0 pyproject.toml README.md /opt/smcc/
COPY --chown=airflow:0 include /opt/smcc/include
COPY --chown=airflow:0 sql /opt/smcc/sql
COPY --chown=airflow:0 config /opt/smcc/config
# Editable, so the package keeps finding sql/ and config/ next to it (smcc.settings.REPO_ROOT)
# and the UI templates under include/smcc/ui/templates.
RUN pip install --no-cache-dir --no-deps -e /opt/smcc

COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins

ENV SMCC_CONFIG_DIR=/opt/smcc/config \
    SMCC_SQL_DIR=/opt/smcc/sql \
    SMCC_VAR_DIR=/opt/airflow/smcc-var
