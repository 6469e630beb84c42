import typer

from mealie.db.db_setup import SessionLocal, engine
from mealie.db.models._model_base import SqlAlchemyBase

app = typer.Typer()


@app.command()
def reset_db() -> None:
    """Drop every table and create them again."""
    SqlAlchemyBase.metadata.drop_all(bind=engine)
    SqlAlchemyBase.metadata.create_all(bind=engine)


@app.command()
def stats() -> None:
    with SessionLocal() as session:
        print(session.execute("select count(*) from users").scalar())


if __name__ == "__main__":
    app()
