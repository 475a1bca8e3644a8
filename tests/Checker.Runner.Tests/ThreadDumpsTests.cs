using Checker.Runner.Databases;

namespace Checker.Runner.Tests;

public sealed class ThreadDumpsTests
{
    [Fact]
    public void Each_dump_a_jvm_wrote_into_its_log_becomes_a_file_of_its_own_and_log_lines_stay_out()
    {
        var dir = Directory.CreateTempSubdirectory("checker-dumps-").FullName;
        try
        {
            var log = Path.Combine(dir, "zookeeper.log");
            File.WriteAllLines(log,
            [
                "2026-12-07T01:32:00.100+0000 [main] INFO org.apache.zookeeper.server.quorum.Leader - LEADING",
                "2026-12-07 01:32:01",
                "Full thread dump OpenJDK 64-Bit Server VM (17.0.21.1+2-1-deb12u1-Debian mixed mode, sharing):",
                "",
                "\"ProcessThread(sid:3 cport:-1):\" #43 prio=5 waiting for monitor entry",
                "   java.lang.Thread.State: BLOCKED (on object monitor)",
                "\t- waiting to lock <0x00000000d5f1caa8> (a org.apache.zookeeper.server.DataNode)",
                "",
                "JNI global refs: 15, weak refs: 0",
                "",
                "2026-12-07T01:32:02.000+0000 [SyncThread:3] INFO org.apache.zookeeper.server.SyncRequestProcessor - Rolling",
                "2026-12-07 01:32:30",
                "Full thread dump OpenJDK 64-Bit Server VM (17.0.21.1+2-1-deb12u1-Debian mixed mode, sharing):",
                "\"main\" #1 prio=5",
                "JNI global refs: 16, weak refs: 0",
            ]);
            var files = ThreadDumps.Extract(log, dir);
            Assert.Equal([Path.Combine(dir, "threads-1.txt"), Path.Combine(dir, "threads-2.txt")], files);
            var first = File.ReadAllLines(files[0]);
            Assert.Equal("2026-12-07 01:32:01", first[0]);
            Assert.Contains(first, l => l.Contains("waiting to lock <0x00000000d5f1caa8>"));
            Assert.Equal("JNI global refs: 15, weak refs: 0", first[^1]);
            Assert.DoesNotContain(first, l => l.Contains("INFO"));
            Assert.Equal("2026-12-07 01:32:30", File.ReadAllLines(files[1])[0]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_log_without_dumps_gives_no_files()
    {
        var dir = Directory.CreateTempSubdirectory("checker-dumps-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "zookeeper.log"), "2026-12-07T01:32:00.100+0000 [main] INFO started\n");
            Assert.Empty(ThreadDumps.Extract(Path.Combine(dir, "zookeeper.log"), dir));
            Assert.Empty(Directory.GetFiles(dir, "threads-*"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
