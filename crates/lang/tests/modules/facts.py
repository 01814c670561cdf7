#!/usr/bin/env python3
"""facts.py OS CERTNAME > facts.json: facter 4 facts (structured and legacy) for a Debian 12 or a
RedHat 9 family node named CERTNAME, so module cases exercise both families' code paths; the other
systems (RedHat 8, Ubuntu, Arch, FreeBSD, Solaris, Windows) reach the templates modules keep for them."""
import json, os, sys

os_name, name = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
facts = json.load(open(os.path.join(here, "..", "facts-template.json")))
host, _, domain = name.partition(".")
if os_name == "debian12":
    osf = {"architecture": "amd64", "distro": {"codename": "bookworm", "description": "Debian GNU/Linux 12 (bookworm)",
           "id": "Debian", "release": {"full": "12.11", "major": "12", "minor": "11"}},
           "family": "Debian", "hardware": "x86_64", "name": "Debian",
           "release": {"full": "12.11", "major": "12", "minor": "11"}, "selinux": {"enabled": False}}
    legacy = {"lsbdistcodename": "bookworm", "lsbdistid": "Debian", "lsbdistrelease": "12.11",
              "lsbmajdistrelease": "12", "lsbdistdescription": "Debian GNU/Linux 12 (bookworm)"}
elif os_name == "redhat9":
    osf = {"architecture": "x86_64", "family": "RedHat", "hardware": "x86_64", "name": "RedHat",
           "release": {"full": "9.4", "major": "9", "minor": "4"},
           "selinux": {"config_mode": "enforcing", "config_policy": "targeted", "current_mode": "enforcing",
                       "enabled": True, "enforced": True, "policy_version": "33"}}
    legacy = {"selinux": True, "selinux_config_mode": "enforcing", "selinux_current_mode": "enforcing"}
elif os_name == "redhat8":
    osf = {"architecture": "x86_64", "family": "RedHat", "hardware": "x86_64", "name": "RedHat",
           "release": {"full": "8.10", "major": "8", "minor": "10"},
           "selinux": {"config_mode": "enforcing", "config_policy": "targeted", "current_mode": "enforcing",
                       "enabled": True, "enforced": True, "policy_version": "33"}}
    legacy = {"selinux": True, "selinux_config_mode": "enforcing", "selinux_current_mode": "enforcing"}
elif os_name == "ubuntu2204":
    osf = {"architecture": "amd64", "distro": {"codename": "jammy", "description": "Ubuntu 22.04.4 LTS",
           "id": "Ubuntu", "release": {"full": "22.04", "major": "22.04"}},
           "family": "Debian", "hardware": "x86_64", "name": "Ubuntu",
           "release": {"full": "22.04", "major": "22.04"}, "selinux": {"enabled": False}}
    legacy = {"lsbdistcodename": "jammy", "lsbdistid": "Ubuntu", "lsbdistrelease": "22.04",
              "lsbmajdistrelease": "22.04", "lsbdistdescription": "Ubuntu 22.04.4 LTS"}
elif os_name == "archlinux":
    osf = {"architecture": "x86_64", "family": "Archlinux", "hardware": "x86_64", "name": "Archlinux",
           "release": {"full": "6.9.7-arch1-1", "major": "6", "minor": "9"}, "selinux": {"enabled": False}}
    legacy = {}
elif os_name == "freebsd13":
    osf = {"architecture": "amd64", "family": "FreeBSD", "hardware": "amd64", "name": "FreeBSD",
           "release": {"full": "13.3-RELEASE", "major": "13", "minor": "3-RELEASE"}}
    legacy = {}
elif os_name == "solaris11":
    osf = {"architecture": "i86pc", "family": "Solaris", "hardware": "i86pc", "name": "Solaris",
           "release": {"full": "11.4", "major": "11", "minor": "4"}}
    legacy = {}
elif os_name == "windows2019":
    osf = {"architecture": "x64", "family": "windows", "hardware": "x86_64", "name": "windows",
           "release": {"full": "2019", "major": "2019"}, "windows": {"system32": "C:\\Windows\\system32"}}
    legacy = {}
else:
    sys.exit("OS is debian12, redhat9, redhat8, ubuntu2204, archlinux, freebsd13, solaris11 or windows2019")
facts["os"] = osf
facts["networking"].update({"fqdn": name, "hostname": host, "domain": domain})
facts.update({
    "fqdn": name, "hostname": host, "domain": domain, "clientcert": name,
    "clientversion": "7.23.0", "clientnoop": False, "puppetversion": "7.23.0",
    "osfamily": osf["family"], "operatingsystem": osf["name"],
    "operatingsystemrelease": osf["release"]["full"], "operatingsystemmajrelease": osf["release"]["major"],
    "architecture": osf["architecture"], "hardwaremodel": osf["hardware"],
    "ipaddress": facts["networking"]["ip"], "macaddress": facts["networking"]["mac"],
    "processorcount": facts["processors"]["count"], "is_virtual": True, "virtual": "kvm",
    "memorysize_mb": 3935.7, "path": facts["path"],
    "service_provider": "systemd",
})
facts.update(legacy)
json.dump(facts, sys.stdout, indent=2)
print()
