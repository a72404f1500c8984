"""Data-quality reporting: metrics with drift, the run's report (HTML + JSON twin) and Prefect artifacts."""
