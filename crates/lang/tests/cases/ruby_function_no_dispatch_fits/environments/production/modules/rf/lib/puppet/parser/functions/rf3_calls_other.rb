module Puppet::Parser::Functions
  newfunction(:rf3_calls_other, type: :rvalue) do |args|
    Puppet::Parser::Functions.function(:rf3_helper)
    "#{function_rf3_helper([args[0]])} #{lookupvar('::r').source}"
  end
end
