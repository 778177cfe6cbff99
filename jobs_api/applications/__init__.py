"""Applications: a verified graduate applies to a published job with a chosen résumé; the
employer moves it through the pipeline; every change reaches the graduate's inbox."""
