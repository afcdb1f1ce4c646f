import HandbookCommands

HandbookCheckCommand.main()
