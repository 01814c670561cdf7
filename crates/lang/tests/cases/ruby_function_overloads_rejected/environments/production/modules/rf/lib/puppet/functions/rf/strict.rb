Puppet::Functions.create_function(:'rf::strict') do
  dispatch :str do
    param 'String', :text
    optional_param 'Integer', :times
  end
  dispatch :int do
    param 'Integer', :number
    optional_block_param 'Callable[1,1]', :each
  end

  def str(text, times = 1)
    text * times
  end

  def int(number)
    number
  end
end
