"""python -m jobwatch"""

from jobwatch.cli import main

main()
