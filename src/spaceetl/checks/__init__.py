"""Data-quality checks: the contracts applied to each batch (``contracts``), the one registry of every check
(``registry``), and the runner that records their results and decides a run's status (``runner``)."""
