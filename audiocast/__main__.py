from audiocast.cli import main

main()
