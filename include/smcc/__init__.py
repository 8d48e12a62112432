"""SMCC: Social Media Command Center.

All product logic lives here and runs without Airflow; the DAG files in ``dags/``
only wire these functions into tasks.
"""

__version__ = "0.1.0"
