import HandbookCommands

HandbookCommand.main()
