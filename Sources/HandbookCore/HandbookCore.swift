// HandbookCore
