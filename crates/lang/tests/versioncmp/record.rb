# Regenerates answers.json: Puppet 7's versioncmp on generated version pairs, the record
# tests/versioncmp.rs holds Bunraku's (and the Ruby shim's) versioncmp to.
#   ruby crates/lang/tests/versioncmp/record.rb > crates/lang/tests/versioncmp/answers.json
require 'puppet'
require 'json'

parts = %w[0 1 2 9 10 01 007 a B rc RC beta ~ + _ - . - .]
rng = Random.new(7)
versions = ['', '1', '1.0', '1.0.0', '1.10', '1.9', '2.0-1', '2.0-rc1', '2.0~rc1', '10.0', '1.0a', '1.0A']
versions += Array.new(400) { Array.new(rng.rand(1..6)) { parts[rng.rand(parts.size)] }.join }
pairs = Array.new(2000) { [versions[rng.rand(versions.size)], versions[rng.rand(versions.size)]] }
# Puppet's normalising of trailing zeroes fails on a version with no release part (''); such
# answers are recorded as the error.
answers = pairs.map do |a, b|
  zeroes = begin
    Puppet::Util::Package.versioncmp(a, b, true)
  rescue StandardError => e
    "error: #{e.message}"
  end
  [a, b, Puppet::Util::Package.versioncmp(a, b), zeroes]
end
puts JSON.pretty_generate('puppet_version' => Puppet.version, 'answers' => answers)
