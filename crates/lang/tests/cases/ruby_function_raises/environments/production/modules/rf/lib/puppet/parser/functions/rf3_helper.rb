Puppet::Parser::Functions.newfunction(:rf3_helper, type: :rvalue, arity: 1) do |args|
  "helped #{args[0]}"
end
