from unitload.cli import main

main()
