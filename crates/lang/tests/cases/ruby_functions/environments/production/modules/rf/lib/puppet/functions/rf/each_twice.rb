Puppet::Functions.create_function(:'rf::each_twice') do
  dispatch :each_twice do
    param 'Array', :items
    block_param 'Callable[1,1]', :block
  end

  def each_twice(items)
    items.map { |i| yield(i) + yield(i) }.join(',')
  end
end
