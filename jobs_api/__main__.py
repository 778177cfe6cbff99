from jobs_api.cli import main

main()
