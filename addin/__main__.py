from addin.shells.cli import main

main()
