"""Reference data: public classifications (majors, regions, industries, occupations, ...).

``models`` holds the ``ref_*`` tables, ``sources`` reads the data files, ``service`` loads
them (``load_reference``) and queries them, ``api`` serves them read-only.
"""
