#!/usr/bin/env python3
"""new-facts.py CERTNAME > facts.json: the trimmed facter output in facts-template.json with the
name-related facts (networking, fqdn, hostname, domain, clientcert) set for CERTNAME."""
import json, os, sys
name = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
facts = json.load(open(os.path.join(here, "facts-template.json")))
host, _, domain = name.partition(".")
facts["networking"].update({"fqdn": name, "hostname": host, "domain": domain})
facts.update({"fqdn": name, "hostname": host, "domain": domain, "clientcert": name,
              "clientversion": "7.23.0", "clientnoop": False})
json.dump(facts, sys.stdout, indent=2)
print()
