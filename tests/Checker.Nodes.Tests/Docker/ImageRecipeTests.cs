using Checker.Nodes.Docker;
using Checker.Runner.Spec;

namespace Checker.Nodes.Tests.Docker;

/// <summary>The node image's recipe and the mirror it is built from (no daemon needed).</summary>
public sealed class ImageRecipeTests
{
    [Fact]
    public void The_tag_is_a_hash_of_every_input()
    {
        var recipe = new ImageRecipe("bookworm", "http://deb.example/debian", ImageRecipe.DefaultPackages);
        Assert.Matches("^checker-node:[0-9a-f]{16}$", recipe.Tag);
        Assert.Equal(recipe.Tag, new ImageRecipe("bookworm", "http://deb.example/debian", [.. ImageRecipe.DefaultPackages]).Tag);
        Assert.NotEqual(recipe.Tag, (recipe with { Mirror = "http://other.example/debian" }).Tag);
        Assert.NotEqual(recipe.Tag, (recipe with { Suite = "trixie" }).Tag);
        Assert.NotEqual(recipe.Tag, (recipe with { Packages = ["zookeeper"] }).Tag);
        Assert.Equal($"checker-node-{recipe.Hash[..16]}.tar", recipe.RootfsName);
    }

    [Fact]
    public void Mmdebstrap_writes_a_tar_of_the_suite_with_the_packages_from_the_mirror()
    {
        var argv = new ImageRecipe("bookworm", "http://deb.example/debian", ["zookeeper", "iptables"]).Mmdebstrap("/c/out.tar.partial");
        Assert.Equal("mmdebstrap", argv[0]);
        Assert.Contains("--format=tar", argv);
        Assert.Contains("--include=zookeeper,iptables", argv);
        Assert.Equal(["bookworm", "/c/out.tar.partial", "http://deb.example/debian"], argv.TakeLast(3));
    }

    [Fact]
    public void The_mirror_is_found_in_one_line_and_deb822_sources()
    {
        Assert.Equal("http://deb.example/debian", DebianMirror.FromOneLine("""
            # deb http://commented.example/debian bookworm main
            deb-src http://src.example/debian bookworm main
            deb [signed-by=/usr/share/keyrings/k.gpg arch=amd64] http://deb.example/debian bookworm main
            """, "bookworm"));
        Assert.Null(DebianMirror.FromOneLine("deb http://deb.example/debian trixie main", "bookworm"));
        Assert.Equal("http://second.example/debian", DebianMirror.FromDeb822("""
            Types: deb
            URIs: http://disabled.example/debian
            Suites: bookworm
            Enabled: no

            Types: deb-src
            URIs: http://src.example/debian
            Suites: bookworm

            Types: deb
            URIs: http://second.example/debian http://third.example/debian
            Suites: bookworm bookworm-updates
            Components: main
            """, "bookworm"));
    }

    [Fact]
    public void A_machine_with_no_source_for_the_suite_is_told_what_to_set()
    {
        var apt = Directory.CreateTempSubdirectory("checker-apt-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(apt, "sources.list"), "deb http://archive.example/ubuntu noble main\n");
            var e = Assert.Throws<DockerNodeException>(() => DebianMirror.Find("bookworm", apt));
            Assert.Contains("CHECKER_DEBIAN_MIRROR", e.Message);
            Directory.CreateDirectory(Path.Combine(apt, "sources.list.d"));
            File.WriteAllText(Path.Combine(apt, "sources.list.d", "debian.sources"), "Types: deb\nURIs: http://deb.example/debian\nSuites: bookworm\n");
            Assert.Equal("http://deb.example/debian", DebianMirror.Find("bookworm", apt));
        }
        finally { Directory.Delete(apt, recursive: true); }
    }

    [Fact]
    public void Nodes_image_is_only_for_docker_nodes()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec, [new("nodes.image", "mine:1")]));
        Assert.Contains("field 'nodes.image' is only for the docker provider", e.Message);
        var spec = SpecLoader.Load(Checker.Tests.RepositoryPaths.DefaultSpec, [new("nodes.provider", "docker"), new("nodes.image", "mine:1")]);
        Assert.Equal("mine:1", spec.Nodes.Settings["image"].ToString());
        Assert.Equal("iptables", Checker.Runner.Net.Networks.KindFor(spec.Nodes));
    }
}
