using UnifiedImageGen.Fal.Webhooks;

namespace UnifiedImageGen.Fal.Tests;

/// <summary>RFC 8032 section 7.1 test vectors (TEST 1, 2, 3), plus tampering.</summary>
public class Ed25519Tests
{
    public static TheoryData<string, string, string> Rfc8032Vectors() => new()
    {
        { "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "", "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
        { "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72", "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
        { "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82", "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
    };

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void RfcVectors_Verify(string publicKey, string message, string signature) =>
        Assert.True(Ed25519.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature)));

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void TamperedMessagesSignaturesAndKeys_DoNotVerify(string publicKey, string message, string signature)
    {
        byte[] key = Convert.FromHexString(publicKey), msg = Convert.FromHexString(message), sig = Convert.FromHexString(signature);
        Assert.False(Ed25519.Verify(key, [.. msg, 0x00], sig));
        byte[] badR = (byte[])sig.Clone();
        badR[0] ^= 1;
        Assert.False(Ed25519.Verify(key, msg, badR));
        byte[] badS = (byte[])sig.Clone();
        badS[40] ^= 1;
        Assert.False(Ed25519.Verify(key, msg, badS));
        byte[] badKey = (byte[])key.Clone();
        badKey[5] ^= 1;
        Assert.False(Ed25519.Verify(badKey, msg, sig));
    }

    [Fact]
    public void MalformedInputs_DoNotVerify()
    {
        var (key, sig) = (Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), Convert.FromHexString("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"));
        Assert.False(Ed25519.Verify(key[..31], [0x72], sig));
        Assert.False(Ed25519.Verify(key, [0x72], sig[..63]));
        // S >= L (the group order) is refused: no malleable signatures.
        byte[] highS = (byte[])sig.Clone();
        Array.Fill(highS, (byte)0xFF, 32, 32);
        Assert.False(Ed25519.Verify(key, [0x72], highS));
        // A key whose y is >= p does not decode.
        Assert.False(Ed25519.Verify(Enumerable.Repeat((byte)0xFF, 32).ToArray(), [0x72], sig));
    }
}
