Puppet::Functions.create_function(:'rf::count') do
  dispatch :count do
    required_repeated_param 'String', :items
    return_type 'Integer'
  end

  def count(*items)
    items.size
  end
end
