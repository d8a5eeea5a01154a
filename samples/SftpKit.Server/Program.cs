Console.WriteLine("SftpKit sample server");
