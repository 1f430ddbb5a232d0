"""python -m jobwatch"""

from jobwatch.cli.main import main

main()
