# Describes its arguments as Ruby sees them.
Puppet::Functions.create_function(:'rf::describe') do
  dispatch :describe do
    repeated_param 'Any', :args
  end

  def describe(*args)
    args.map { |a| "#{a.class.name}:#{a.is_a?(Puppet::Pops::Types::PAnyType) ? a.to_s : a.inspect}" }.join('|')
  end
end
