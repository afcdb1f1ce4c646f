// CmarkBridge
