complete --keep-order --exclusive --command glance --arguments "(COMPLETE=fish glance -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
