"""`python -m bench` (and `make bench`): the load benchmark, bench/load.py."""
from bench.load import main

main()
