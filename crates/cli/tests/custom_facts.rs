//! An agent's custom facts and the types it cannot apply, end to end: pluginsync brings a module's
//! `lib/facter`, the first run already resolves those facts (in Ruby) and sends them with the core
//! facts, and a catalog holding a type the agent has no provider for fails without changing
//! anything.

mod common;

use common::Site;

const NODE: &str = "facts.example.org";

#[test]
fn custom_facts_reach_the_master_and_unappliable_catalogs_change_nothing() {
    let mut site = Site::new("*\n");
    let module = site.root().join("code/environments/production/modules/site");
    std::fs::create_dir_all(module.join("lib/facter")).unwrap();
    std::fs::create_dir_all(module.join("lib/puppet/type")).unwrap();
    std::fs::write(
        module.join("lib/facter/site_role.rb"),
        "Facter.add(:site_role) { confine kernel: 'Linux'; setcode { 'web' } }\n\
         Facter.add(:site_kernel) { setcode { Facter.value(:kernel).downcase } }\n\
         Facter.add(:site_vardir) { setcode { Puppet[:vardir] } }\n\
         Facter.add(:site_broken) { setcode { raise 'broken on purpose' } }\n",
    )
    .unwrap();
    std::fs::write(
        module.join("lib/puppet/type/site_thing.rb"),
        "Puppet::Type.newtype(:site_thing) do\n  newparam(:name, namevar: true)\nend\n",
    )
    .unwrap();
    let manifest = format!(
        "node '{NODE}' {{\n  notify {{ \"role=${{facts['site_role']}} kernel=${{facts['site_kernel']}} vardir=${{facts['site_vardir']}} broken=${{facts['site_broken']}}\": }}\n}}\n"
    );
    std::fs::write(site.site_pp(), &manifest).unwrap();
    site.start_master();

    let first = site.agent(NODE, &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(first.code, 2, "{}", first.text);
    let vardir = site.node_confdir(NODE).join("var");
    assert!(
        first.text.contains(&format!("Notice: role=web kernel=linux vardir={} broken=\n", vardir.display())),
        "{}",
        first.text
    );
    assert!(
        first.text.contains("Facter: Error while resolving custom fact fact='site_broken'"),
        "{}",
        first.text
    );

    // A type with no provider in the agent: the catalog is refused whole.
    let target = site.root().join("nodes/written.txt");
    std::fs::write(
        site.site_pp(),
        format!(
            "node '{NODE}' {{\n  file {{ '{}': ensure => file, content => 'x' }}\n  site_thing {{ 'one': }}\n}}\n",
            target.display()
        ),
    )
    .unwrap();
    let refused = site.agent(NODE, &["--onetime", "--detailed-exitcodes"]);
    assert_eq!(refused.code, 4, "{}", refused.text);
    assert!(!target.exists(), "{}", refused.text);
    assert!(
        refused.text.contains(
            "Error: Failed to apply catalog: Bunraku's agent has no provider for the resource type Site_thing \
             (1 resource); nothing was applied. This node needs a Puppet agent"
        ),
        "{}",
        refused.text
    );
    let reports = site.stored_reports(NODE);
    let last = reports.last().expect("the failed run's report was stored");
    assert!(last.contains("status: failed"), "{last}");
}
