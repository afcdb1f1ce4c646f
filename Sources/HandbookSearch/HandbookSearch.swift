// HandbookSearch
