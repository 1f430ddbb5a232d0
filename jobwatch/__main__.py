"""python -m jobwatch"""

from jobwatch.entry import main

main()
