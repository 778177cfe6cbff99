"""Universities (高校) and their official institution codes (院校代码)."""
