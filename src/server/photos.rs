//! Doctors' profile photos. Uploads are decoded with size limits, cropped to a square,
//! resized and re-encoded as JPEG: what we store and serve is plain pixels, never the
//! uploaded file (no metadata, no polyglot files, no scripts posing as images).

use super::auth::session_user;
use super::db::profiles;
use super::http::{encode_query, error_response};
use super::state::AppState;
use crate::domain::models::User;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub use crate::domain::profile::MAX_PHOTO_BYTES as MAX_UPLOAD_BYTES;
/// Side of the stored square photo, in pixels.
pub const PHOTO_SIDE: u32 = 400;
/// Decoding stops beyond this, so a small file cannot expand into a huge bitmap.
const MAX_SOURCE_SIDE: u32 = 8000;

pub fn photo_url(doctor_id: i64, version: i64) -> String {
    format!("/api/doctors/{doctor_id}/photo?v={version}")
}

/// `GET /api/doctors/{id}/photo`.
pub async fn serve(State(state): State<AppState>, Path(doctor_id): Path<i64>) -> Response {
    match profiles::photo(&state.db, doctor_id).await {
        Ok(Some(jpeg)) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                // The URL carries the version, so a new photo gets a new URL.
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            jpeg,
        )
            .into_response(),
        Ok(None) => error_response(AppError::not_found("That photo")),
        Err(error) => error_response(error),
    }
}

/// `POST /api/doctors/{id}/photo` as `multipart/form-data` with a `photo` file. A form that
/// also sends `return_to` (a path on this site) is redirected back with the outcome in the
/// query; other clients get 204 or a JSON error.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(doctor_id): Path<i64>,
    multipart: Multipart,
) -> Response {
    // Who is asking is settled before the body is read.
    let user = match allowed_user(&state, &session, doctor_id).await {
        Ok(user) => user,
        Err(error) => return error_response(error),
    };
    // A form sends `return_to` before the file, so even a file over the limit goes back
    // to the form with the message, not to a page of JSON.
    let (file, return_to) = read_form(multipart).await;
    let outcome = match file {
        Ok(file) => store(&state, doctor_id, file).await,
        Err(error) => Err(error),
    };
    let Some(path) = return_to else {
        return match outcome {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(error) => error_response(error),
        };
    };
    // Admins edit a doctor's profile through `?doctor=`; keep it on the way back.
    let context = match user.role {
        Role::Admin => format!("doctor={doctor_id}&"),
        _ => String::new(),
    };
    let outcome = match outcome {
        Ok(()) => "photo=saved".to_string(),
        Err(error) => format!("photo_error={}", encode_query(&error.to_string())),
    };
    Redirect::to(&format!("{path}?{context}{outcome}")).into_response()
}

async fn allowed_user(state: &AppState, session: &Session, doctor_id: i64) -> AppResult<User> {
    let user = session_user(&state.db, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    authorise(&user, doctor_id)?;
    if profiles::find(&state.db, doctor_id).await?.is_none() {
        return Err(AppError::not_found("That doctor"));
    }
    Ok(user)
}

async fn store(state: &AppState, doctor_id: i64, file: Option<Vec<u8>>) -> AppResult<()> {
    let file = file
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| AppError::invalid("photo", "Choose a photo to upload."))?;
    // The body limit leaves room for the form around the file; the file itself is held here.
    if file.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::invalid("photo", too_large()));
    }
    let jpeg = super::cpu::run(move || normalise(&file)).await??;
    profiles::set_photo(&state.db, doctor_id, &jpeg).await
}

/// Doctors change their own photo; admins anyone's.
fn authorise(user: &User, doctor_id: i64) -> AppResult<()> {
    match user.role {
        Role::Admin => Ok(()),
        Role::Doctor if user.id == doctor_id => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The file (or why it could not be read) and the path to return to, if it came first.
async fn read_form(mut multipart: Multipart) -> (AppResult<Option<Vec<u8>>>, Option<String>) {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::invalid("photo", too_large())
        } else {
            AppError::BadRequest(e.body_text())
        }
    };
    let (mut file, mut return_to) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (Ok(file), return_to),
            Err(e) => return (Err(unreadable(e)), return_to),
        };
        match field.name() {
            Some("photo") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes.to_vec()),
                Err(e) => return (Err(unreadable(e)), return_to),
            },
            Some("return_to") => {
                let path = field.text().await.unwrap_or_default();
                return_to = Some(path).filter(|p| is_local_path(p));
            }
            _ => {}
        }
    }
}

use crate::domain::profile::photo_too_large as too_large;

/// A plain local path without a query of its own: the outcome is appended as one.
fn is_local_path(path: &str) -> bool {
    crate::domain::validation::local_path(path).is_some() && !path.contains(['?', '#'])
}

/// Decodes a JPEG or PNG within limits, crops it to a centred square, resizes it and
/// re-encodes it as JPEG.
pub fn normalise(bytes: &[u8]) -> AppResult<Vec<u8>> {
    use image::{ImageFormat, ImageReader, Limits};
    let unsupported = || AppError::invalid("photo", "Upload a JPEG or PNG photo.");
    let format = image::guess_format(bytes).map_err(|_| unsupported())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err(unsupported());
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| {
        AppError::invalid(
            "photo",
            "That photo could not be read. Upload a JPEG or PNG up to 8000 pixels wide.",
        )
    })?;
    let square = image.resize_to_fill(
        PHOTO_SIDE,
        PHOTO_SIDE,
        image::imageops::FilterType::Triangle,
    );
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&square.to_rgb8())
        .map_err(AppError::internal)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn photos_become_square_jpegs_of_the_stored_size() {
        let jpeg = normalise(&png(1200, 800)).unwrap();
        assert_eq!(
            image::guess_format(&jpeg).unwrap(),
            image::ImageFormat::Jpeg
        );
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (PHOTO_SIDE, PHOTO_SIDE)
        );
    }

    #[test]
    fn other_files_are_refused_with_a_clear_message() {
        let refused = normalise(b"<svg onload=alert(1)>").unwrap_err();
        assert_eq!(refused.to_string(), "Upload a JPEG or PNG photo.");
        let mut truncated = png(50, 50);
        truncated.truncate(40);
        assert!(matches!(normalise(&truncated), Err(AppError::Invalid(_))));
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert!(is_local_path("/doctor/profile"));
        for bad in [
            "//evil.test",
            "https://evil.test",
            "/\\evil",
            "/a?b",
            "/\t/evil.test",
            "/a\nb",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
        assert_eq!(encode_query("a b/é"), "a%20b%2F%C3%A9");
    }
}
