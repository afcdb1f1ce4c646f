// HandbookCommands
