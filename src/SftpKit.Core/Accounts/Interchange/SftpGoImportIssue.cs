namespace SftpKit.Accounts.Interchange;

/// <summary>
/// One thing of an SFTPGo document that was not taken over as it was: a field with no equivalent here, a value this
/// server cannot use, or an object left out whole.
/// </summary>
/// <param name="Path">Where, in the document's own terms: e.g. <c>users[2].filters.web_client</c> or <c>api_keys[0]</c>.</param>
/// <param name="Reason">Why, in one sentence.</param>
public sealed record SftpGoImportIssue(string Path, string Reason);
