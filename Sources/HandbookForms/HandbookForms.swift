// HandbookForms
