Puppet::Functions.create_function(:'rf::fails') do
  dispatch :fails do
    param 'String', :why
  end

  def fails(why)
    raise Puppet::ParseError, "rf::fails was given #{why}"
  end
end
