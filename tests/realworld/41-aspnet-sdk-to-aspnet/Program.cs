var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "Bookings API");
app.MapGet("/healthz", () => Results.Ok());

app.Run();
