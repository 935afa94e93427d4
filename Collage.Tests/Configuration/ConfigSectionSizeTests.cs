using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Configuration;

/// <summary>Sizes (<c>"50GiB"</c>) and the durations that may be zero (a cache's TTLs), as <see cref="ConfigSection"/> reads them.</summary>
public sealed class ConfigSectionSizeTests
{
    private const string Key = "Collage:Cache:MaxSize";

    private static ConfigSection Section(string? text)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(text is null ? [] : [new KeyValuePair<string, string?>(Key, text)])
            .Build();
        return ConfigSection.Of(configuration, "Collage:Cache");
    }

    private static Func<long> Read(string text, long min = 1) => () => Section(text).Size("MaxSize", 10L << 30, min);

    [Theory]
    [InlineData("1048576", 1L << 20)]
    [InlineData("1", 1L)]
    [InlineData("512B", 512L)]
    [InlineData("1KiB", 1L << 10)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("50GiB", 50L << 30)]
    [InlineData("2TiB", 2L << 40)]
    [InlineData("50gib", 50L << 30)]
    [InlineData("50 GiB", 50L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData(" 2GIB ", 2L << 30)]
    [InlineData("8388607TiB", 8388607L << 40)]
    public void Size_BytesOrBinaryUnit_IsItsValueInBytes(string text, long bytes)
    {
        Read(text)().Should().Be(bytes);
    }

    [Fact]
    public void Size_Unset_IsFallback()
    {
        Section(null).Size("MaxSize", 10L << 30).Should().Be(10L << 30);
    }

    [Theory]
    [InlineData("50GB", "\"50GiB\"")]
    [InlineData("50gb", "\"50GiB\"")]
    [InlineData("512M", "\"512MiB\"")]
    [InlineData("1 TB", "\"1TiB\"")]
    [InlineData("64kB", "\"64KiB\"")]
    public void Size_DecimalUnit_IsRefusedSuggestingTheBinaryOne(string text, string suggestion)
    {
        Read(text).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage($"*'{text}' uses the decimal unit*Sizes are binary: write {suggestion}.*");
    }

    [Theory]
    [InlineData("50PiB")]
    [InlineData("50 bytes")]
    public void Size_UnknownUnit_NamesKeyAndTheUnits(string text)
    {
        Read(text).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage("*unknown unit*Write B, KiB, MiB, GiB or TiB*");
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5GiB")]
    [InlineData("+5GiB")]
    [InlineData("1,5GiB")]
    [InlineData("1_000")]
    [InlineData("GiB")]
    [InlineData("")]
    [InlineData("5  GiB")]
    public void Size_NotASize_NamesKeyAndExample(string text)
    {
        Read(text).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage("*is not a size. Write a whole number of bytes or a number with a binary unit*\"50GiB\"*");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0GiB")]
    [InlineData("0.0MiB")]
    public void Size_Zero_IsRefused(string text)
    {
        Read(text).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage("*is too small. Write a positive size*");
    }

    [Theory]
    [InlineData("8388608TiB")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999999999999999999GiB")]
    public void Size_Overflow_IsRefused(string text)
    {
        Read(text).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage("*is too large. Write at most 8388607TiB*");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("0.1KiB")]
    public void Size_NotWholeBytes_IsRefused(string text)
    {
        Read(text).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage("*is not a whole number of bytes*");
    }

    [Fact]
    public void Size_BelowMinimum_NamesTheMinimumInBinaryUnits()
    {
        Read("1023KiB", min: 1L << 20).Should().Throw<CollageConfigException>()
            .Where(e => e.Key == Key)
            .WithMessage("*'1023KiB' is too small. Write at least 1MiB*");
        Read("1MiB", min: 1L << 20)().Should().Be(1L << 20);
    }

    [Theory]
    [InlineData(1L << 30, "1GiB")]
    [InlineData(1536L << 20, "1536MiB")]
    [InlineData(1000L, "1000")]
    [InlineData(0L, "0")]
    public void FormatSize_LargestWholeUnit_ReadsBackTheSame(long bytes, string text)
    {
        ConfigSection.FormatSize(bytes).Should().Be(text);
        if (bytes > 0)
        {
            Read(text)().Should().Be(bytes);
        }
    }

    [Fact]
    public void Duration_ZeroWhereAllowed_IsZero()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("Collage:Cache:TagTtl", "00:00:00")])
            .Build();

        ConfigSection.Of(configuration, "Collage:Cache").Duration("TagTtl", TimeSpan.FromMinutes(5), allowZero: true).Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Duration_NegativeWhereZeroIsAllowed_IsRefused()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("Collage:Cache:TagTtl", "-00:00:01")])
            .Build();

        var act = () => ConfigSection.Of(configuration, "Collage:Cache").Duration("TagTtl", TimeSpan.FromMinutes(5), allowZero: true);

        act.Should().Throw<CollageConfigException>()
            .Where(e => e.Key == "Collage:Cache:TagTtl")
            .WithMessage("*'-00:00:01' is not a time span of zero or more*");
    }
}
