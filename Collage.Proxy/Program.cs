using Collage.Proxy.Hosting;

return await CollageApp.RunAsync(args);
