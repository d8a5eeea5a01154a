using Microsoft.AspNetCore.Http;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>A refused web client operation: the status code and the generic text shown to the account holder.</summary>
internal sealed class WebClientFailure : Exception
{
    public WebClientFailure(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public WebClientFailure()
        : this(StatusCodes.Status400BadRequest, "The request was refused.")
    {
    }

    public WebClientFailure(string message)
        : this(StatusCodes.Status400BadRequest, message)
    {
    }

    public WebClientFailure(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = StatusCodes.Status400BadRequest;
    }

    public int StatusCode { get; }

    /// <summary>The status code and generic text for a file-system failure; never the storage's own message.</summary>
    public static WebClientFailure From(VfsException exception) => exception.Error switch
    {
        VfsError.NotFound => new(StatusCodes.Status404NotFound, "No such file or folder."),
        VfsError.PermissionDenied => new(StatusCodes.Status403Forbidden, "Permission denied."),
        VfsError.AlreadyExists => new(StatusCodes.Status409Conflict, "A file or folder with that name already exists."),
        VfsError.DirectoryNotEmpty => new(StatusCodes.Status409Conflict, "The folder is not empty."),
        VfsError.NotADirectory => new(StatusCodes.Status404NotFound, "Not a folder."),
        VfsError.IsADirectory => new(StatusCodes.Status409Conflict, "That is a folder."),
        VfsError.NoSpace => new(StatusCodes.Status507InsufficientStorage, "No space left."),
        VfsError.QuotaExceeded => new(StatusCodes.Status413PayloadTooLarge, "Quota exceeded."),
        VfsError.TransferLimitExceeded => new(StatusCodes.Status403Forbidden, "Data transfer limit exceeded."),
        VfsError.Unsupported => new(StatusCodes.Status501NotImplemented, "Not supported by this storage."),
        VfsError.InvalidPath => new(StatusCodes.Status400BadRequest, "Invalid name or path."),
        _ => new(StatusCodes.Status500InternalServerError, "The operation failed."),
    };
}
