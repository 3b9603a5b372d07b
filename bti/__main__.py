from bti.cli import main

main()
