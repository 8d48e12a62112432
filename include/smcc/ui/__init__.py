"""The SMCC view inside the Airflow UI (mounted by ``plugins/smcc_plugin.py``)."""
