# frozen_string_literal: false
# Custom facts (`lib/facter/*.rb`) as facter resolves them: filled in by the agent's fact
# resolution (Bunraku::Facts), not needed to compile.
module Facter
end
