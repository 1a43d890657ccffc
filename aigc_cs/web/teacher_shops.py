"""Teacher pages for the knowledge base: the shops the grader knows, and uploading a shop folder as a .zip (checked,
unpacked and ingested by ``uploads``). The body's size is checked before the form is read."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response

from aigc_cs.errors import UserError
from aigc_cs.web import uploads
from aigc_cs.web.auth import TeacherViewer, check_csrf, require_teacher
from aigc_cs.web.deps import get_grader
from aigc_cs.web.grader import Grader
from aigc_cs.web.pages import render

FORM_SLACK = 64 * 1024  # the form's other fields and the multipart framing around the file
TOO_LARGE = f"压缩包太大，上限 {uploads.MAX_ZIP_MB} MB：请去掉图片、视频等不需要导入的文件后重新压缩"


def limit_body(request: Request) -> None:
    """Refuse an upload larger than the limit before a byte of it is read."""
    if request.method != "POST":
        return
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise HTTPException(411, "请用页面上的表单上传文件")
    if int(length) > uploads.MAX_ZIP_MB * 2**20 + FORM_SLACK:
        raise HTTPException(413, TOO_LARGE)


router = APIRouter(prefix="/teacher", dependencies=[Depends(require_teacher), Depends(limit_body), Depends(check_csrf)])
GraderDep = Annotated[Grader, Depends(get_grader)]


def _page(request: Request, grader: Grader, status_code: int = 200, **context) -> Response:
    shops = [grader.ctx.index.shop(s).info for s in grader.shops()]
    values = {"uploaded": None, "problems": [], **context}
    return render(request, "shops.html", status_code=status_code, shops=shops, max_mb=uploads.MAX_ZIP_MB,
                  max_files=uploads.MAX_FILES, **values)


@router.get("/shops")
def shops_page(request: Request, viewer: TeacherViewer, grader: GraderDep) -> Response:
    return _page(request, grader)


@router.post("/shops")
def upload(request: Request, viewer: TeacherViewer, grader: GraderDep,
           archive: Annotated[UploadFile | None, File()] = None) -> Response:
    try:
        if archive is None or not archive.filename:
            raise UserError("请先选择要上传的店铺压缩包（.zip）")
        uploads.check_name(archive.filename)
        data = archive.file.read(uploads.MAX_ZIP_MB * 2**20 + 1)
        if len(data) > uploads.MAX_ZIP_MB * 2**20:
            raise UserError(TOO_LARGE)
        uploaded = uploads.ingest_zip(data, grader)
    except uploads.Problems as exc:
        return _page(request, grader, 400, problems=exc.lines)
    except UserError as exc:
        return _page(request, grader, 400, problems=[exc.message])
    return _page(request, grader, uploaded=uploaded)
