# near miss: comments only
