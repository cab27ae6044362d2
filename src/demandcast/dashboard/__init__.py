"""The dashboards of models/exposures.yml, as one Streamlit app (``make dashboard``).

Every page reads the published Parquet set only (``demandcast.publishing``: never the
``.duckdb`` file, which ``dbt build`` locks while it writes), so the app works while a
build runs. Each page resolves the set's ``current`` pointer once and reads every table
it shows from that one version folder: a page shows one whole run, never a mix.

Modules: ``published_view`` (the resolved set and its reads, no Streamlit), ``charts``
(Altair specifications), one module per page (``forecast_review``, ``model_monitoring``,
``data_quality``, ``replenishment``: pure loading functions, then ``render``), ``page``
(what every page shares: where the set is, empty states, the header), ``app`` (the entry
script ``streamlit run`` starts) and ``server`` (the command that starts it).
"""
