using System.Text;

namespace Affect.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IBlobStore"/> must have; each implementation's test class derives
/// from this and supplies the store. Every test uses its own container.
/// </summary>
public abstract class BlobStoreContract
{
    protected BlobStoreContract()
    {
        Container = "t" + Guid.NewGuid().ToString("N");
    }

    /// <summary>A fresh container name for this test.</summary>
    protected string Container { get; }

    /// <summary>The store under test.</summary>
    protected abstract IBlobStore Store { get; }

    public static TheoryData<string, string> BadNames => new()
    {
        { "", "empty" },
        { "..", "'..'" },
        { "a/../b", "'..'" },
        { "./a", "'.'" },
        { "a/.", "'.'" },
        { "/a", "starts with '/'" },
        { "C:/windows/a", "drive prefix" },
        { "c:a", "drive prefix" },
        { "a\\b", "backslash" },
        { "a\nb", "control character" },
        { "a\u0000b", "control character" },
        { "a//b", "empty segment" },
        { "a/", "ends with '/'" },
        { new string('x', 1025), "exceeds 1024" },
        { "d/" + new string('x', 256), "255 UTF-8 bytes" },
    };

    public static TheoryData<string, string> BadContainers => new()
    {
        { "ab", "outside 3–63" },
        { new string('a', 64), "outside 3–63" },
        { "Abc", "not a lowercase letter" },
        { "a_b", "not a lowercase letter" },
        { "-ab", "start and end" },
        { "ab-", "start and end" },
        { "a--b", "consecutive hyphens" },
        { "../x", "not a lowercase letter" },
    };

    [Fact]
    public async Task Put_then_get_returns_the_same_bytes_and_consistent_properties()
    {
        var content = Encoding.UTF8.GetBytes("hello, blob");
        var put = await Store.PutBytesAsync(Container, "dir/sub/hello.txt", content);

        Assert.Equal(await Store.GetBytesAsync(Container, "dir/sub/hello.txt"), content);
        Assert.Equal(new BlobInfo(Container, "dir/sub/hello.txt", content.Length, put.ETag), put);
        Assert.False(string.IsNullOrEmpty(put.ETag));
        Assert.Equal(put, await Store.GetInfoAsync(Container, "dir/sub/hello.txt"));
        var listed = Assert.Single(await ListAsync());
        Assert.Equal(put, listed);
    }

    [Fact]
    public async Task A_five_megabyte_blob_round_trips()
    {
        var content = TestBytes.Create(5 * 1024 * 1024 + 13, seed: 5);
        var put = await Store.PutBytesAsync(Container, "big.bin", content);

        Assert.Equal(content.Length, put.Length);
        var read = await Store.GetBytesAsync(Container, "big.bin");
        Assert.True(content.AsSpan().SequenceEqual(read));
    }

    [Fact]
    public async Task An_empty_blob_round_trips()
    {
        var put = await Store.PutBytesAsync(Container, "empty", ReadOnlyMemory<byte>.Empty);

        Assert.Equal(0, put.Length);
        Assert.Empty(await Store.GetBytesAsync(Container, "empty"));
        Assert.Equal(0, (await Store.GetInfoAsync(Container, "empty"))!.Length);
    }

    [Fact]
    public async Task A_forward_only_source_is_stored_with_its_length()
    {
        var content = TestBytes.Create(300_001, seed: 7);
        BlobInfo put;
        using (var source = new ForwardOnlyStream(content))
        {
            put = await Store.PutAsync(Container, "stream.bin", source);
        }

        Assert.Equal(content.Length, put.Length);
        Assert.Equal(content, await Store.GetBytesAsync(Container, "stream.bin"));
    }

    [Fact]
    public async Task Names_with_spaces_unicode_and_url_characters_round_trip()
    {
        const string name = "dir with space/ü-ñ %20 #1 ?x=y&z+1 'q' ~.txt";
        var content = Encoding.UTF8.GetBytes(name);
        await Store.PutBytesAsync(Container, name, content);

        Assert.Equal(content, await Store.GetBytesAsync(Container, name));
        Assert.Equal(name, Assert.Single(await ListAsync()).Name);
        Assert.True(await Store.DeleteAsync(Container, name));
    }

    [Fact]
    public async Task Overwrite_replaces_the_content_and_changes_the_etag()
    {
        var first = await Store.PutBytesAsync(Container, "x", "aaaa"u8.ToArray());
        var second = await Store.PutBytesAsync(Container, "x", "bbbb"u8.ToArray());
        var third = await Store.PutBytesAsync(Container, "x", "cccc"u8.ToArray());

        Assert.Equal("cccc"u8.ToArray(), await Store.GetBytesAsync(Container, "x"));
        Assert.Equal(3, new[] { first.ETag, second.ETag, third.ETag }.Distinct().Count());
        Assert.Equal(third, await Store.GetInfoAsync(Container, "x"));
    }

    [Fact]
    public async Task IfAbsent_refuses_the_second_write_and_keeps_the_first_content()
    {
        var first = await Store.PutBytesAsync(Container, "once.json", "first"u8.ToArray(), WriteCondition.IfAbsent);

        var refused = await Assert.ThrowsAsync<BlobConditionFailedException>(
            () => Store.PutBytesAsync(Container, "once.json", "second"u8.ToArray(), WriteCondition.IfAbsent));

        Assert.Equal(Container, refused.Container);
        Assert.Equal("once.json", refused.BlobName);
        Assert.Contains("once.json", refused.Message, StringComparison.Ordinal);
        Assert.Equal("first"u8.ToArray(), await Store.GetBytesAsync(Container, "once.json"));
        Assert.Equal(first, await Store.GetInfoAsync(Container, "once.json"));
    }

    [Fact]
    public async Task IfMatch_accepts_the_current_etag_and_refuses_a_stale_one()
    {
        var v1 = await Store.PutBytesAsync(Container, "state.json", "v1"u8.ToArray());
        var v2 = await Store.PutBytesAsync(Container, "state.json", "v2"u8.ToArray(), WriteCondition.IfMatch(v1.ETag));

        await Assert.ThrowsAsync<BlobConditionFailedException>(
            () => Store.PutBytesAsync(Container, "state.json", "stale"u8.ToArray(), WriteCondition.IfMatch(v1.ETag)));
        Assert.Equal("v2"u8.ToArray(), await Store.GetBytesAsync(Container, "state.json"));

        var v3 = await Store.PutBytesAsync(Container, "state.json", "v3"u8.ToArray(), WriteCondition.IfMatch(v2.ETag));
        Assert.Equal(v3, await Store.GetInfoAsync(Container, "state.json"));
    }

    [Fact]
    public async Task IfMatch_on_a_missing_blob_is_refused_and_creates_nothing()
    {
        var old = await Store.PutBytesAsync(Container, "gone", "x"u8.ToArray());
        await Store.DeleteAsync(Container, "gone");

        await Assert.ThrowsAsync<BlobConditionFailedException>(
            () => Store.PutBytesAsync(Container, "gone", "y"u8.ToArray(), WriteCondition.IfMatch(old.ETag)));
        Assert.Null(await Store.GetInfoAsync(Container, "gone"));
    }

    [Fact]
    public async Task Concurrent_IfAbsent_writes_have_exactly_one_winner()
    {
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.PutBytesAsync(Container, "lock", Encoding.ASCII.GetBytes($"writer {i}"), WriteCondition.IfAbsent);
                return i;
            }
            catch (BlobConditionFailedException)
            {
                return -1;
            }
        });

        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r >= 0);
        Assert.Equal(Encoding.ASCII.GetBytes($"writer {winner}"), await Store.GetBytesAsync(Container, "lock"));
    }

    [Fact]
    public async Task Optimistic_read_modify_write_loses_no_update()
    {
        await Store.PutJsonAsync(Container, "counter.json", new Counter(0));

        async Task IncrementAsync(int times)
        {
            for (var done = 0; done < times;)
            {
                var info = (await Store.GetInfoAsync(Container, "counter.json"))!;
                var current = await Store.GetJsonAsync<Counter>(Container, "counter.json");
                if ((await Store.GetInfoAsync(Container, "counter.json"))!.ETag != info.ETag)
                {
                    continue;
                }

                try
                {
                    await Store.PutJsonAsync(Container, "counter.json", new Counter(current.Value + 1), WriteCondition.IfMatch(info.ETag));
                    done++;
                }
                catch (BlobConditionFailedException)
                {
                    // Lost the race: read again.
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => IncrementAsync(5))));

        Assert.Equal(20, (await Store.GetJsonAsync<Counter>(Container, "counter.json")).Value);
    }

    [Fact]
    public async Task List_by_prefix_is_ordinal_sorted()
    {
        string[] names = ["b", "a/c/d", "a-b", "a/b", "A", "a.b", "ab", "a/b2", "z/deep/er/x"];
        foreach (var name in names)
        {
            await Store.PutBytesAsync(Container, name, Encoding.UTF8.GetBytes(name));
        }

        var all = (await ListAsync()).Select(b => b.Name).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal), all);
        Assert.Equal(["a/b", "a/b2", "a/c/d"], (await ListAsync("a/")).Select(b => b.Name));
        Assert.Equal(["a/b", "a/b2"], (await ListAsync("a/b")).Select(b => b.Name));
        Assert.Equal(["a-b", "a.b", "a/b", "a/b2", "a/c/d", "ab"], (await ListAsync("a")).Select(b => b.Name));
        Assert.Empty(await ListAsync("nothing"));
        Assert.All(await ListAsync(), b => Assert.Equal(b.Name.Length, b.Length));
    }

    [Fact]
    public async Task Listing_a_container_never_written_is_empty()
    {
        Assert.Empty(await ListAsync());
        Assert.Empty(await ListAsync("a/"));
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_reports_whether_it_existed()
    {
        await Store.PutBytesAsync(Container, "a/b/c", "x"u8.ToArray());
        await Store.PutBytesAsync(Container, "a/keep", "y"u8.ToArray());

        Assert.True(await Store.DeleteAsync(Container, "a/b/c"));
        Assert.False(await Store.DeleteAsync(Container, "a/b/c"));
        Assert.Null(await Store.GetInfoAsync(Container, "a/b/c"));
        Assert.False(await Store.ExistsAsync(Container, "a/b/c"));
        Assert.True(await Store.ExistsAsync(Container, "a/keep"));
        Assert.Equal(["a/keep"], (await ListAsync()).Select(b => b.Name));
        Assert.False(await Store.DeleteAsync("t" + Guid.NewGuid().ToString("N"), "never"));
    }

    [Fact]
    public async Task A_missing_blob_throws_BlobNotFoundException_naming_it()
    {
        await Store.PutBytesAsync(Container, "present", "x"u8.ToArray());

        var missing = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(Container, "absent/blob.bin"));
        Assert.Equal(Container, missing.Container);
        Assert.Equal("absent/blob.bin", missing.BlobName);
        Assert.Contains($"{Container}/absent/blob.bin", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.GetBytesAsync("t" + Guid.NewGuid().ToString("N"), "x"));
        Assert.Null(await Store.GetInfoAsync(Container, "absent/blob.bin"));
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Bad_names_are_rejected_by_every_operation(string name, string rule)
    {
        var put = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutBytesAsync(Container, name, "x"u8.ToArray()));
        Assert.Contains(rule, put.Message, StringComparison.Ordinal);
        Assert.Contains(Container, put.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(Container, name));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetInfoAsync(Container, name));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(Container, name));
        Assert.Empty(await ListAsync());
    }

    [Theory]
    [MemberData(nameof(BadContainers))]
    public async Task Bad_container_names_are_rejected(string container, string rule)
    {
        var put = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutBytesAsync(container, "x", "x"u8.ToArray()));
        Assert.Contains(rule, put.Message, StringComparison.Ordinal);
        Assert.Contains(container, put.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(container, "x"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ListAsync(container).CollectAsync());
    }

    [Fact]
    public async Task A_reader_during_large_overwrites_always_sees_one_complete_payload()
    {
        var payloads = Enumerable.Range(0, 3).Select(i => TestBytes.Create(2 * 1024 * 1024, seed: (ulong)(100 + i))).ToArray();
        await Store.PutBytesAsync(Container, "hot.bin", payloads[0]);
        var writerDone = 0;
        var reads = 0;

        var reader = Task.Run(async () =>
        {
            do
            {
                var read = await Store.GetBytesAsync(Container, "hot.bin");
                Assert.Contains(payloads, p => p.AsSpan().SequenceEqual(read));
                reads++;
            }
            while (Volatile.Read(ref writerDone) == 0);
        });
        var writer = Task.Run(async () =>
        {
            try
            {
                for (var i = 1; i <= 8; i++)
                {
                    await Store.PutBytesAsync(Container, "hot.bin", payloads[i % payloads.Length]);
                }
            }
            finally
            {
                Volatile.Write(ref writerDone, 1);
            }
        });

        await Task.WhenAll(reader, writer);
        Assert.True(reads >= 1);
        Assert.Equal(payloads[8 % payloads.Length], await Store.GetBytesAsync(Container, "hot.bin"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_source_failing_midway_leaves_nothing_under_a_new_name(bool seekable)
    {
        var data = TestBytes.Create(1024 * 1024, seed: 9);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync(Container, "partial.bin", new FailingStream(data, 600_000, seekable)));

        Assert.Null(await Store.GetInfoAsync(Container, "partial.bin"));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync(Container, "partial.bin"));
        Assert.Empty(await ListAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_source_failing_midway_keeps_the_old_content(bool seekable)
    {
        var old = await Store.PutBytesAsync(Container, "kept.bin", "old content"u8.ToArray());
        var data = TestBytes.Create(1024 * 1024, seed: 10);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync(Container, "kept.bin", new FailingStream(data, 600_000, seekable)));

        Assert.Equal("old content"u8.ToArray(), await Store.GetBytesAsync(Container, "kept.bin"));
        Assert.Equal(old, Assert.Single(await ListAsync()));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_nothing()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.PutBytesAsync(Container, "cancelled", "x"u8.ToArray(), cancellationToken: cancellation.Token));

        Assert.Null(await Store.GetInfoAsync(Container, "cancelled"));
    }

    [Fact]
    public async Task Json_round_trips_with_deterministic_bytes()
    {
        var value = new Sample("ü\"name", 3, [1.5, -0.25], new Dictionary<string, int> { ["b"] = 2, ["a"] = 1 });
        await Store.PutJsonAsync(Container, "one.json", value);
        await Store.PutJsonAsync(Container, "two.json", value);

        var text = Encoding.UTF8.GetString(await Store.GetBytesAsync(Container, "one.json"));
        Assert.Equal(await Store.GetBytesAsync(Container, "one.json"), await Store.GetBytesAsync(Container, "two.json"));
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        Assert.StartsWith("{\n  \"name\": \"ü\\\"name\",\n  \"count\": 3,", text, StringComparison.Ordinal);
        var back = await Store.GetJsonAsync<Sample>(Container, "one.json");
        Assert.Equal(value.Name, back.Name);
        Assert.Equal(value.Values, back.Values);
        Assert.Equal(value.Counts, back.Counts);
    }

    [Fact]
    public async Task Invalid_json_names_the_blob_and_the_path()
    {
        await Store.PutBytesAsync(Container, "bad.json", "{\"name\": \"x\", \"count\": \"many\"}"u8.ToArray());
        await Store.PutBytesAsync(Container, "null.json", "null"u8.ToArray());

        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetJsonAsync<Sample>(Container, "bad.json"));
        Assert.Contains($"{Container}/bad.json: $.count", bad.Message, StringComparison.Ordinal);
        var nul = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetJsonAsync<Sample>(Container, "null.json"));
        Assert.Contains($"{Container}/null.json", nul.Message, StringComparison.Ordinal);
    }

    protected async Task<List<BlobInfo>> ListAsync(string prefix = "") =>
        await Store.ListAsync(Container, prefix).CollectAsync();

    public sealed record Counter(int Value);

    public sealed record Sample(string Name, int Count, double[] Values, Dictionary<string, int> Counts);
}
