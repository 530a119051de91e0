# CPack settings: see packaging/
