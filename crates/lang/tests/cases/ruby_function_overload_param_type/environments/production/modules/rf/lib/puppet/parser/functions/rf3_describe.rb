module Puppet::Parser::Functions
  newfunction(:rf3_describe, type: :rvalue, doc: 'Describes its arguments (3.x conversion).') do |args|
    args.map { |a| "#{a.class.name}:#{a.inspect}" }.join('|')
  end
end
