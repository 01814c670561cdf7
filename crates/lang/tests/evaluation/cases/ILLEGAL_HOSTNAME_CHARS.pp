node 'bad host' { }
