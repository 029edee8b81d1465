require "sinatra"

get "/" do
  "status board"
end
